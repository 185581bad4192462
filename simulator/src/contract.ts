import type { components } from '../../src/upstream/openapi.js';

/**
 * The simulator's only link to the facade's code: the REST shapes generated from src/upstream/openapi.yaml
 * (types only, so nothing of the facade runs here). Typing the store with them keeps the simulator from
 * drifting off the contract. They come from the generated declaration file rather than the facade's own
 * aliases (src/upstream/types.ts) so that the simulator's build can keep its rootDir at simulator/src.
 */
type Schemas = components['schemas'];

export type AccountLink = Schemas['AccountLink'];
export type Campaign = Schemas['Campaign'];
export type CampaignColumn = Schemas['CampaignColumn'];
export type CampaignSequence = Schemas['CampaignSequence'];
export type CampaignV2 = Schemas['CampaignV2'];
export type Color = Schemas['Color'];
export type EventType = Schemas['EventType'];
export type ImportJob = Schemas['ImportJob'];
export type InboxEvent = Schemas['Event'];
export type Member = Schemas['Member'];
export type Message = Schemas['Message'];
export type MessageHistory = Schemas['MessageHistory'];
export type MessageVersion = Schemas['MessageVersion'];
export type PageCursor = Schemas['PageCursor'];
export type Prospect = Schemas['Prospect'];
export type ProspectContext = Schemas['ProspectContext'];
export type ProspectThreadRef = Schemas['ProspectThreadRef'];
export type ProspectWithContext = Schemas['ProspectWithContext'];
export type ScheduleHours = Schemas['ScheduleHours'];
export type Status = Schemas['Status'];
export type Tag = Schemas['Tag'];
export type Team = Schemas['Team'];
export type Thread = Schemas['Thread'];
export type ThreadLastMessage = Schemas['ThreadLastMessage'];
export type TypingResult = Schemas['TypingResult'];
