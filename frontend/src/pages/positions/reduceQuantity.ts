import { compare, isDecimal, isZero, percentOf, roundToStep } from "../../lib/decimal";

export type Portion = "25" | "50" | "custom";

/**
 * The quantity a Reduce sends: a share of the position rounded down to the lot step (never more
 * than the position), or the custom amount as typed. Returns an error text instead when invalid.
 */
export function reduceQuantity(
  size: string,
  portion: Portion,
  custom: string,
  step: string | null,
): { quantity: string } | { error: string } {
  let quantity: string;
  if (portion === "custom") {
    if (!isDecimal(custom.trim())) return { error: "Enter a quantity, e.g. 0.010." };
    quantity = custom.trim();
    if (step && !isZero(step) && compare(roundToStep(quantity, step, "down"), quantity) !== 0) {
      return { error: `Use a multiple of the lot step ${step}.` };
    }
  } else {
    const share = percentOf(size, portion);
    quantity = step ? roundToStep(share, step, "down") : share;
  }
  if (compare(quantity, "0") <= 0) return { error: "The quantity rounds to zero at this lot step." };
  if (compare(quantity, size) > 0) return { error: `At most the position size, ${size}.` };
  return { quantity };
}
