import type { components } from '../inbox/openapi.js';

/** REST shapes of the Inbox v1 contract; every store object is typed with these so the simulator cannot drift. */
type Schemas = components['schemas'];

export type Team = Schemas['Team'];
export type Member = Schemas['Member'];
export type AccountLink = Schemas['AccountLink'];
export type Prospect = Schemas['Prospect'];
export type ProspectContext = Schemas['ProspectContext'];
export type ProspectWithContext = Schemas['ProspectWithContext'];
export type ProspectThreadRef = Schemas['ProspectThreadRef'];
export type Thread = Schemas['Thread'];
export type ThreadLastMessage = Schemas['ThreadLastMessage'];
export type TypingResult = Schemas['TypingResult'];
export type Message = Schemas['Message'];
export type MessageVersion = Schemas['MessageVersion'];
export type MessageHistory = Schemas['MessageHistory'];
export type Tag = Schemas['Tag'];
export type Status = Schemas['Status'];
export type Color = Schemas['Color'];
export type Event = Schemas['Event'];
export type EventType = Schemas['EventType'];
export type PageCursor = Schemas['PageCursor'];
export type ImportJob = Schemas['ImportJob'];
export type Campaign = Schemas['Campaign'];
export type CampaignV2 = Schemas['CampaignV2'];
export type CampaignSequence = Schemas['CampaignSequence'];
export type CampaignColumn = Schemas['CampaignColumn'];
export type ScheduleHours = Schemas['ScheduleHours'];
export type Platform = Schemas['Platform'];
