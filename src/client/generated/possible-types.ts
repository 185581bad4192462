
      export interface PossibleTypesResultData {
        possibleTypes: {
          [key: string]: string[]
        }
      }
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "InboxChange": [
      "MessageChanged",
      "MessageCreated",
      "MessageDeleted",
      "OtherInboxChange",
      "ProspectChanged",
      "StatusChanged",
      "StatusDeleted",
      "TagChanged",
      "TagDeleted",
      "ThreadChanged",
      "ThreadDeleted"
    ],
    "MessageAuthor": [
      "AccountLink",
      "Prospect"
    ],
    "Node": [
      "AccountLink",
      "Campaign",
      "Member",
      "Message",
      "Prospect",
      "Status",
      "Tag",
      "Team",
      "Thread"
    ],
    "_Entity": [
      "AccountLink",
      "Campaign",
      "Member",
      "Message",
      "Prospect",
      "Status",
      "Tag",
      "Team",
      "Thread"
    ]
  }
};
      export default result;
    