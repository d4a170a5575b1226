// A tiny element builder. Text always goes in as text nodes, never as HTML: panel data (group names, error
// messages) comes from the network and must not become markup.

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (`class`, `data-*`, aria, ...) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | null | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** Text with `inline code` spans, for hints that name a command. */
export function withCode(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  text.split('`').forEach((part, i) => frag.append(i % 2 === 1 ? el('code', {}, part) : part));
  return frag;
}
