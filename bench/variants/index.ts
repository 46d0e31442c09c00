/** Every variant, by id. */
import { bare, providerOnly, sdkBuiltin } from "./baseline.js";
import { floor } from "./floor.js";
import { oursOff, oursOn } from "./ours.js";
import { PEER_VARIANTS } from "./peers.js";
import type { Variant } from "./types.js";

export type { Variant, Family, SetupContext, SetupResult } from "./types.js";

export const VARIANTS: readonly Variant[] = [bare, providerOnly, sdkBuiltin, floor, oursOff, oursOn, ...PEER_VARIANTS];

export function variantById(id: string): Variant {
  const v = VARIANTS.find((x) => x.id === id);
  if (!v) throw new Error(`unknown variant ${id}`);
  return v;
}
