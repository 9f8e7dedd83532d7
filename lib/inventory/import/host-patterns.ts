/** Ansible host ranges: web[01:03].example.com, db-[a:c], node[0:10:5]. */
const RANGE = /\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\]/i;
const MAX_EXPANDED_HOSTS = 5000;

export function expandHostPattern(pattern: string): string[] | { error: string } {
  const match = RANGE.exec(pattern);
  if (!match) return [pattern];
  const [whole, start = "", end = "", stepText] = match;
  const head = pattern.slice(0, match.index);
  const tail = pattern.slice(match.index + whole.length);
  const step = stepText ? Number(stepText) : 1;
  const items = rangeItems(start, end, step);
  if ("error" in items) return { error: `${whole}: ${items.error}` };
  const hosts: string[] = [];
  for (const item of items) {
    const rest = expandHostPattern(`${head}${item}${tail}`);
    if ("error" in rest) return rest;
    hosts.push(...rest);
    if (hosts.length > MAX_EXPANDED_HOSTS)
      return { error: `expands to more than ${MAX_EXPANDED_HOSTS} hosts` };
  }
  return hosts;
}

function rangeItems(start: string, end: string, step: number): string[] | { error: string } {
  if (step < 1) return { error: "the step must be at least 1" };
  if (/^\d+$/.test(start) && /^\d+$/.test(end)) {
    // a leading zero pads every item to the start's width, as Ansible does
    const width = start.length > 1 && start.startsWith("0") ? start.length : 0;
    if (width && start.length !== end.length)
      return { error: "padded bounds must have the same width" };
    const first = Number(start);
    const last = Number(end);
    if (first > last) return { error: "the start is after the end" };
    if ((last - first) / step > MAX_EXPANDED_HOSTS)
      return { error: `more than ${MAX_EXPANDED_HOSTS} hosts` };
    const items: string[] = [];
    for (let value = first; value <= last; value += step)
      items.push(String(value).padStart(width, "0"));
    return items;
  }
  if (/^[a-z]$/i.test(start) && /^[a-z]$/i.test(end)) {
    const items: string[] = [];
    for (let code = start.charCodeAt(0); code <= end.charCodeAt(0); code += step)
      items.push(String.fromCharCode(code));
    return items.length > 0 ? items : { error: "the start is after the end" };
  }
  return { error: "bounds must be numbers or single letters" };
}
