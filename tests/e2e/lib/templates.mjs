// The bundled checklists as the tests see them: their items, the answers
// that earn full points, and exact two-place decimals (as integers of
// hundredths) to compute the score the app must show.

import { readFileSync } from "node:fs";
import { repoPath } from "./app.mjs";

export function template(id) {
  return JSON.parse(readFileSync(repoPath(`crates/qingdan-core/templates/${id}.json`), "utf8"));
}

export const items = (t) => t.sections.flatMap((s) => s.items);

/** `2`, `"2.5"` → 200, 250 (hundredths). */
export function cents(value) {
  const [whole, fraction = ""] = String(value).split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** 8750 → "87.50", as the score sheet writes it. */
export function decimal(hundredths) {
  const sign = hundredths < 0 ? "-" : "";
  const abs = Math.abs(hundredths);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const SCORED = ["check", "count", "deadline", "choice", "scale", "deduction"];

/** The item's weighted maximum in hundredths, or null when it is not in the maximum. */
export function maximum(item) {
  const rule = item.rule;
  if (!SCORED.includes(rule.kind)) return null;
  const points =
    rule.kind === "choice" ? Math.max(...rule.options.map((o) => cents(o.points))) : cents(rule.points);
  // Rounded once, half away from zero (all positive here).
  return Math.round((points * cents(item.weight ?? 1)) / 100);
}

/** The sum of the maximums of every scored item (bonus items are outside it). */
export function maxTotal(t) {
  for (const i of items(t)) {
    if (i.show_if && maximum(i) !== null) {
      throw new Error(`item ${i.id} is scored and conditional: pick a checklist without one`);
    }
  }
  return items(t).reduce((sum, i) => sum + (maximum(i) ?? 0), 0);
}

/**
 * What to do on the fill screen to earn an item's full points: a button to
 * press (`answer`) or fields to fill (`fields`); null for items that score
 * nothing (bonus, evidence).
 */
export function fullAnswer(item) {
  const rule = item.rule;
  switch (rule.kind) {
    case "check":
      return { answer: "done" };
    case "choice":
      return { answer: rule.options.reduce((a, b) => (cents(b.points) > cents(a.points) ? b : a)).id };
    case "scale":
      return { answer: String(rule.max) };
    case "veto":
      return { answer: "no" };
    case "count":
      return { fields: { count: String(Math.max(rule.target, ...(rule.steps ?? []).map((s) => s.at_least))) } };
    case "deduction":
      return { fields: { count: "0" } };
    case "deadline":
      // A due date the checklist fixes from the period is never before 2 January.
      if (rule.due) return { fields: { done: "2026-01-02" } };
      return rule.within_days
        ? { fields: { from: "2026-06-01", done: "2026-06-03" } }
        : { fields: { due: "2026-06-30", done: "2026-06-20" } };
    default:
      return null;
  }
}

/** Gives one item an answer of the form `fullAnswer` returns. */
export async function give(container, answer) {
  if (answer.answer !== undefined) {
    await container.locator(`[data-answer="${answer.answer}"]`).click();
  }
  for (const [field, value] of Object.entries(answer.fields ?? {})) {
    await container.locator(`[data-field="${field}"]`).fill(value);
  }
}
