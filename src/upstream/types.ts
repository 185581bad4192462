import type { components } from './openapi.js';

/**
 * Short names for the REST shapes generated from openapi.yaml. Never written by hand. (The simulator names
 * the same generated shapes in simulator/src/contract.ts.)
 */
type Schemas = components['schemas'];

export type Team = Schemas['Team'];
export type Member = Schemas['Member'];
export type AccountLink = Schemas['AccountLink'];
export type Platform = Schemas['Platform'];
export type Prospect = Schemas['Prospect'];
export type ProspectContext = Schemas['ProspectContext'];
export type ProspectWithContext = Schemas['ProspectWithContext'];
export type ProspectThreadRef = Schemas['ProspectThreadRef'];
export type Thread = Schemas['Thread'];
export type ThreadPage = Schemas['ThreadPage'];
export type ThreadFilters = Schemas['ThreadFilters'];
export type ThreadLastMessage = Schemas['ThreadLastMessage'];
export type TypingResult = Schemas['TypingResult'];
export type Message = Schemas['Message'];
export type MessagePage = Schemas['MessagePage'];
export type MessageVersion = Schemas['MessageVersion'];
export type MessageHistory = Schemas['MessageHistory'];
export type Tag = Schemas['Tag'];
export type Status = Schemas['Status'];
export type Color = Schemas['Color'];
export type InboxEvent = Schemas['Event'];
export type EventType = Schemas['EventType'];
export type PageCursor = Schemas['PageCursor'];
export type ImportJob = Schemas['ImportJob'];
export type Campaign = Schemas['Campaign'];
export type CampaignV2 = Schemas['CampaignV2'];
export type CampaignSequence = Schemas['CampaignSequence'];
export type CampaignColumn = Schemas['CampaignColumn'];
export type MessageSegment = Schemas['MessageSegment'];
export type SequenceStepInput = Schemas['SequenceStepInput'];
export type ScheduleHours = Schemas['ScheduleHours'];
