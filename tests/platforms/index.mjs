// The platform stand-ins by kind. Each factory returns an unstarted Platform
// (see lib.mjs) whose config() gives the gateway's [platform.NAME] keys that
// point the kind at it.

import { github } from './github.mjs';
import { google } from './google.mjs';
import { kakao } from './kakao.mjs';
import { naver } from './naver.mjs';

export const STANDINS = { naver, kakao, google, github };

/** Starts the stand-in of a kind on a free loopback port. */
export function startPlatform(kind) {
  const make = STANDINS[kind];
  if (!make) throw new Error(`no stand-in for ${kind}`);
  return make().start();
}
