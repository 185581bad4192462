import type { components } from './openapi.js';

/** Short names for the REST shapes generated from openapi.yaml. */
type Schemas = components['schemas'];
export type Team = Schemas['Team'];
export type Member = Schemas['Member'];
export type AccountLink = Schemas['AccountLink'];
export type Thread = Schemas['Thread'];
export type ThreadPage = Schemas['ThreadPage'];
export type ThreadFilters = Schemas['ThreadFilters'];
export type Prospect = Schemas['Prospect'];
export type ProspectWithContext = Schemas['ProspectWithContext'];
export type ProspectContext = Schemas['ProspectContext'];
export type Message = Schemas['Message'];
export type MessagePage = Schemas['MessagePage'];
export type MessageHistory = Schemas['MessageHistory'];
export type Tag = Schemas['Tag'];
export type Status = Schemas['Status'];
export type Color = Schemas['Color'];
export type InboxEvent = Schemas['Event'];
export type Campaign = Schemas['Campaign'];
