import type * as ACTypes from 'adaptivecards';

/*
 * The package's "main" is an ES module with extensionless imports that Node
 * cannot load; its UMD bundle is the same library, built for plain require.
 * Parsing and validating never touch the DOM, so no document is needed.
 */

const AC = require('adaptivecards/dist/adaptivecards.js') as typeof ACTypes;

export interface AdaptiveReport {
  /** Parse-time warnings and errors (unknown types, properties of a later version, bad values). */
  parseEvents: string[];
  /** validateProperties() failures (duplicate ids, too many actions, missing labels, …). */
  validationEvents: string[];
  /** The card as the renderer understood it, serialised back. */
  roundTrip: unknown;
}

/** Parses a card against schema 1.5 exactly as the official renderer does. */
export function checkAdaptiveCard(json: unknown): AdaptiveReport {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  const parseEvents: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    parseEvents.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  const results = card.validateProperties();
  const validationEvents = results.validationEvents.map((e) => `${AC.ValidationEvent[e.event]}: ${e.message}`);
  return { parseEvents, validationEvents, roundTrip: card.toJSON(new AC.SerializationContext(AC.Versions.v1_5)) };
}
