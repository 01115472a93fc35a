/** The wire protocols, in the order the server asks them to claim a request (restJson1 takes the rest). */
import { awsJson1_1 } from './aws-json.js';
import type { Protocol } from './protocol.js';
import { query } from './query.js';
import { restJson1 } from './rest-json.js';
import { restXml } from './rest-xml.js';

export const PROTOCOLS: readonly Protocol[] = [awsJson1_1, query, restXml, restJson1];

export type { Protocol, Routed, Service, WireRequest, WireResponse } from './protocol.js';
export type { JsonService } from './aws-json.js';
export type { QueryService, QueryStyle } from './query.js';
export type { RestJsonService, RestRoute } from './rest-json.js';
export type { RestXmlRoute, RestXmlService } from './rest-xml.js';
