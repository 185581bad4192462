import type { Prospect } from './contract.js';
import { Random } from './random.js';
import { COMPANIES, INTERESTS, LOCATIONS, ROLES } from './seed-data.js';

export interface Person {
  platformId: string;
  displayName: string;
  username: string;
}

const DAY = 86_400_000;

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/**
 * The X profile of a person as Inbox would cache it. `externalId` is null until the person becomes a
 * prospect of a team (the store assigns it). Deterministic per platformId.
 */
export function makeProfile(person: Person, nowMs: number): Prospect {
  const rand = Random.fromString(person.platformId);
  const company = rand.pick(COMPANIES);
  const domain = `${slug(company)}.example`;
  const hasWebsite = rand.chance(0.7);
  const verified = rand.chance(0.55)
    ? 'none'
    : rand.chance(0.8)
      ? 'verified'
      : rand.chance(0.9)
        ? 'business'
        : 'government';
  const followerCount = Math.round(10 ** (1.5 + rand.next() * 4));
  const postCount = rand.int(20, 40_000);
  const updatedAt = nowMs - rand.int(0, 40) * DAY - rand.int(0, DAY);
  const image = `https://pbs.twimg.com/profile_images/${person.platformId}/avatar`;
  return {
    platform: 'twitter',
    platformId: person.platformId,
    externalId: null,
    documentId: rand.chance(0.8) ? rand.int(100_000_000, 999_999_999) : null,
    displayName: person.displayName,
    username: person.username,
    handle: `@${person.username}`,
    image: `${image}_normal.jpg`,
    imageNormalized: `${image}.jpg`,
    bio: rand.chance(0.9) ? `${rand.pick(ROLES)} @ ${company}. ${rand.pick(INTERESTS)}` : null,
    location: rand.chance(0.8) ? rand.pick(LOCATIONS) : null,
    profileUrl: `https://x.com/${person.username}`,
    websiteUrl: hasWebsite ? `https://${domain}` : null,
    websiteDomain: hasWebsite ? domain : null,
    verified,
    profileType: verified === 'business' ? 'business' : verified === 'government' ? 'government' : 'personal',
    isProtected: rand.chance(0.05),
    followerCount,
    followingCount: rand.int(50, 3000),
    postCount,
    engagementCount: rand.chance(0.7) ? rand.int(100, 90_000) : null,
    listedCount: rand.chance(0.8) ? rand.int(0, 900) : null,
    platformCreatedAt: new Date(nowMs - rand.int(400, 5000) * DAY).toISOString(),
    firstSeenAt: null,
    lastUpdatedAt: new Date(updatedAt).toISOString(),
    lastEnrichedAt: rand.chance(0.85) ? new Date(updatedAt - rand.int(0, 3) * DAY).toISOString() : null,
    lastActiveAt: rand.chance(0.7) ? new Date(nowMs - rand.int(0, 20) * DAY).toISOString() : null,
    source: rand.pick(['cached', 'cached', 'indexed', 'live', 'merged'] as const),
    isFresh: nowMs - updatedAt < 7 * DAY,
    isStale: nowMs - updatedAt > 30 * DAY,
    confidence: Math.round((0.6 + rand.next() * 0.4) * 100) / 100,
    platformData: {
      isVerifiedBlue: verified === 'verified',
      isVerifiedGold: verified === 'business',
      isVerifiedGray: verified === 'government',
      professionalCategory: rand.chance(0.5) ? String(rand.int(100, 1100)) : null,
      urlEntities: hasWebsite
        ? [
            {
              url: `https://t.co/${rand.cuid().slice(0, 10)}`,
              expandedUrl: `https://${domain}`,
              displayUrl: domain,
              indices: [0, 23],
            },
          ]
        : [],
      bannerUrl: rand.chance(0.8)
        ? `https://pbs.twimg.com/profile_banners/${person.platformId}/1700000000`
        : null,
      tweetsCount: postCount,
      favoritesCount: rand.int(0, 60_000),
      rawData: null,
    },
  };
}

const X_USERNAME = /^[A-Za-z0-9_]{1,15}$/;

export const isXUserId = (value: string): boolean => /^[1-9]\d{0,19}$/.test(value);
export const isXUsername = (value: string): boolean => X_USERNAME.test(value);

/**
 * Someone Inbox has never seen: the real API would fetch the profile from X. The simulator invents a
 * stable one from the id so any well-formed X user id "exists".
 */
export function strangerById(platformId: string): Person {
  const rand = Random.fromString(`stranger:${platformId}`);
  const first = rand.pick(['Alex', 'Robin', 'Jamie', 'Kai', 'Morgan', 'Riley', 'Quinn', 'Sage']);
  const last = rand.pick(['Reyes', 'Fontaine', 'Abara', 'Lund', 'Marsh', 'Castell', 'Ueda', 'Pryce']);
  return {
    platformId,
    displayName: `${first} ${last}`,
    username: `${first}${last}${platformId.slice(-4)}`.toLowerCase(),
  };
}

/** Same idea for a username lookup: a deterministic X id for an unknown handle. */
export function strangerByUsername(username: string): Person {
  const platformId = `17${Random.fromString(`username:${username.toLowerCase()}`).digits(17)}`;
  return { platformId, displayName: username, username };
}
