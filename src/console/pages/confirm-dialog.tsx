/** @jsxImportSource hono/jsx */
/**
 * @module console/pages/confirm-dialog
 * The console's confirmation dialog: a title, a body, Cancel and one confirming button. The ids
 * follow one scheme from `id` (`<id>-dialog`, `<id>-title`, `<id>-cancel`, `<id>-confirm`), which
 * is what the page scripts look the parts up by.
 */
import type { Child, FC } from 'hono/jsx';

export const ConfirmDialog: FC<{ id: string; title: string; confirm: string; tone: 'danger' | 'primary'; children?: Child }> = (p) => (
  <dialog id={`${p.id}-dialog`} aria-labelledby={`${p.id}-title`}>
    <div class="dlg-head"><h2 id={`${p.id}-title`}>{p.title}</h2></div>
    <div class="dlg-body">{p.children}</div>
    <div class="dlg-foot">
      <button type="button" class="btn" id={`${p.id}-cancel`}>Cancel</button>
      <button type="button" class={p.tone === 'danger' ? 'btn btn-danger solid' : 'btn btn-primary'} id={`${p.id}-confirm`}>{p.confirm}</button>
    </div>
  </dialog>
);
