// Assessment forms are driven by the instrument definitions the server
// serves (GET /api/v1/instruments/{id}, docs/instruments.md). These helpers
// place answers at each item's JSON pointer, decide which conditional items
// are asked, and list what is still missing. Scoring stays on the server.

export type AnswerValue = number | boolean | string | string[] | null;

export interface InstrumentOption {
  value: boolean | string | number;
  label?: string;
  points?: number;
}

export type Rule = {
  item?: string;
  score?: string;
  eq?: unknown;
  ne?: unknown;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  in?: unknown[];
  contains_any?: unknown[];
  answered?: boolean;
  all?: Rule[];
  any?: Rule[];
  not?: Rule;
};

export interface InstrumentItem {
  id: string;
  label: string;
  type: 'integer' | 'number' | 'boolean' | 'choice' | 'multi_choice' | 'text';
  min?: number;
  max?: number;
  max_length?: number;
  options?: InstrumentOption[];
  path?: string;
  scored?: boolean;
  when?: Rule;
}

export interface InstrumentSection {
  id: string;
  label: string;
  items: InstrumentItem[];
}

export interface InstrumentDefinition {
  id: string;
  version: string;
  title: string;
  description?: string;
  sections: InstrumentSection[];
}

export type Answers = Record<string, unknown>;

/** The pointer an item's answer lives at: its `path`, default `/ID`. */
export function itemPointer(item: InstrumentItem): string {
  return item.path ?? `/${item.id}`;
}

function tokens(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at a JSON pointer, or undefined. */
export function getAt(obj: unknown, pointer: string): unknown {
  let cur: unknown = obj;
  for (const t of tokens(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[t];
  }
  return cur;
}

/**
 * A copy of `obj` with `value` at `pointer` (undefined removes it). Numeric
 * tokens under an array (or a missing parent followed by a numeric token)
 * make arrays, so "/items/8" builds {"items": [.., .., value]}.
 */
export function setAt(obj: Answers, pointer: string, value: unknown): Answers {
  const ts = tokens(pointer);
  if (ts.length === 0) return obj;
  const rec = (cur: unknown, i: number): unknown => {
    const t = ts[i] as string;
    const isIndex = /^\d+$/.test(t);
    let container: Record<string, unknown> | unknown[];
    if (Array.isArray(cur)) container = [...cur];
    else if (cur !== null && typeof cur === 'object') container = { ...(cur as Record<string, unknown>) };
    else container = isIndex ? [] : {};
    const child = i === ts.length - 1 ? value : rec((container as Record<string, unknown>)[t], i + 1);
    if (Array.isArray(container)) {
      const idx = Number(t);
      while (container.length < idx) container.push(null);
      if (child === undefined) container[idx] = null;
      else container[idx] = child;
    } else if (child === undefined) {
      delete container[t];
    } else {
      container[t] = child;
    }
    return container;
  };
  return rec(obj, 0) as Answers;
}

/** Answers of the definition's items by item id (for rules). */
function answerOf(def: InstrumentDefinition, answers: Answers, id: string): unknown {
  for (const s of def.sections) for (const it of s.items) if (it.id === id) return getAt(answers, itemPointer(it));
  return undefined;
}

const isAnswered = (v: unknown) => v !== undefined && v !== null;

/** Evaluates a `when` rule over items (scores are the server's: a score rule is unknown here, so true). */
export function evaluateRule(def: InstrumentDefinition, answers: Answers, rule: Rule): boolean {
  if (rule.all) return rule.all.every((r) => evaluateRule(def, answers, r));
  if (rule.any) return rule.any.some((r) => evaluateRule(def, answers, r));
  if (rule.not) return !evaluateRule(def, answers, rule.not);
  if (rule.score !== undefined) return true;
  if (rule.item === undefined) return true;
  const v = answerOf(def, answers, rule.item);
  if (rule.answered !== undefined) return isAnswered(v) === rule.answered;
  if (!isAnswered(v)) return false;
  if ('eq' in rule) return v === rule.eq;
  if ('ne' in rule) return v !== rule.ne;
  if (rule.gt !== undefined) return typeof v === 'number' && v > rule.gt;
  if (rule.gte !== undefined) return typeof v === 'number' && v >= rule.gte;
  if (rule.lt !== undefined) return typeof v === 'number' && v < rule.lt;
  if (rule.lte !== undefined) return typeof v === 'number' && v <= rule.lte;
  if (rule.in) return rule.in.includes(v);
  if (rule.contains_any) return Array.isArray(v) && v.some((x) => rule.contains_any!.includes(x));
  return true;
}

/** Whether an item is asked, given the answers so far. */
export function isAsked(def: InstrumentDefinition, answers: Answers, item: InstrumentItem): boolean {
  return item.when ? evaluateRule(def, answers, item.when) : true;
}

/**
 * Answers without those of items no longer asked (the server refuses an
 * answer to an item whose condition does not hold).
 */
export function pruneUnasked(def: InstrumentDefinition, answers: Answers): Answers {
  let out = answers;
  for (const s of def.sections) {
    for (const it of s.items) {
      if (!isAsked(def, out, it) && getAt(out, itemPointer(it)) !== undefined) out = setAt(out, itemPointer(it), undefined);
    }
  }
  return out;
}

/** Items that are asked and not answered yet (a multi-choice with none ticked counts as answered). */
export function missingItems(def: InstrumentDefinition, answers: Answers): InstrumentItem[] {
  const missing: InstrumentItem[] = [];
  for (const s of def.sections) {
    for (const it of s.items) {
      if (!isAsked(def, answers, it)) continue;
      const v = getAt(answers, itemPointer(it));
      if (it.type === 'multi_choice') {
        if (!Array.isArray(v)) missing.push(it);
      } else if (v === undefined || v === null || v === '') {
        missing.push(it);
      }
    }
  }
  return missing;
}

/**
 * Answers with every asked multi-choice item set (to [] when none ticked),
 * ready to send.
 */
export function finalizeAnswers(def: InstrumentDefinition, answers: Answers): Answers {
  let out = pruneUnasked(def, answers);
  for (const s of def.sections) {
    for (const it of s.items) {
      if (it.type === 'multi_choice' && isAsked(def, out, it) && !Array.isArray(getAt(out, itemPointer(it)))) {
        out = setAt(out, itemPointer(it), []);
      }
    }
  }
  return out;
}

/** The item an error field such as "answers.items[8]" or "answers.safety.insult" names. */
export function itemForPointer(def: InstrumentDefinition, pointer: string | null): InstrumentItem | null {
  if (!pointer) return null;
  for (const s of def.sections) for (const it of s.items) if (itemPointer(it) === pointer) return it;
  return null;
}

/** Integer items with a small range render as radio buttons. */
export function scaleValues(item: InstrumentItem): number[] | null {
  if (item.type !== 'integer' || item.min === undefined || item.max === undefined) return null;
  if (item.max - item.min > 10) return null;
  const out: number[] = [];
  for (let v = item.min; v <= item.max; v++) out.push(v);
  return out;
}
