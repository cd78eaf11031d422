/**
 * @module console/assets/styles
 * The console's one stylesheet, served at `/admin/assets/console.css`. A string, not a file: the
 * gateway runs on Workers and air-gapped hosts, so there is no fs read, no build step, no CDN and
 * no web font. Colours are chosen for WCAG AA contrast on white; every interactive element gets a
 * visible `:focus-visible` ring so the console is usable by keyboard.
 */
export const CONSOLE_CSS = String.raw`
:root {
  --bg: #f4f5f7; --panel: #ffffff; --text: #1b2230; --muted: #566070; --border: #d5dae1;
  --border-strong: #b7bec9; --accent: #1d5a94; --accent-hover: #164a7a; --accent-soft: #e8f0f8;
  --danger: #a12f29; --danger-soft: #fbecea; --ok: #276738; --ok-soft: #e7f3ea;
  --warn: #7d5200; --warn-soft: #fbf1dc; --header: #172031; --focus: #2f7fd0;
  --c-allow: #4f8a63; --c-redact: #2f6ea8; --c-local: #7655ab; --c-block: #b53c35; --c-none: #8a919c;
  --c-remote: #2f6ea8;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  --radius: 6px;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { font-size: 14px; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  line-height: 1.45;
}
a { color: var(--accent); }
a:hover { color: var(--accent-hover); }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h1 { font-size: 1.45rem; font-weight: 650; }
h2 { font-size: 1.08rem; font-weight: 650; }
h3 { font-size: .95rem; font-weight: 650; }
code, pre, kbd, .mono { font-family: var(--mono); font-size: .9em; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip-link { position: absolute; left: 8px; top: -40px; background: #fff; color: var(--accent); padding: 6px 10px; border-radius: var(--radius); z-index: 10; }
.skip-link:focus { top: 8px; }
[hidden] { display: none !important; }

/* Header and navigation */
.topbar { background: var(--header); color: #e9edf3; display: flex; align-items: center; gap: 24px; padding: 0 24px; height: 52px; }
.brand { display: flex; align-items: center; gap: 8px; color: #fff; text-decoration: none; font-weight: 650; font-size: 1.05rem; letter-spacing: .01em; }
.brand:hover { color: #fff; }
.brand small { font-weight: 450; color: #aab4c3; font-size: .85rem; }
.topbar nav ul { list-style: none; display: flex; gap: 2px; margin: 0; padding: 0; }
.topbar nav a { display: block; color: #cfd6e0; text-decoration: none; padding: 6px 12px; border-radius: var(--radius); }
.topbar nav a:hover { background: #24304a; color: #fff; }
.topbar nav a[aria-current="page"] { background: #2a3957; color: #fff; box-shadow: inset 0 -2px 0 #7fb2e5; }
.topbar :focus-visible { outline-color: #8cc0f2; }
.session { margin-left: auto; display: flex; align-items: center; gap: 12px; font-size: .9rem; color: #aab4c3; }
.session strong { color: #e9edf3; font-weight: 550; }
.session .btn { background: transparent; color: #e9edf3; border-color: #4a5872; }
.session .btn:hover { background: #24304a; }

main { max-width: 1440px; margin: 0 auto; padding: 20px 24px 40px; }
.page-head { display: flex; align-items: flex-end; gap: 16px; margin-bottom: 16px; flex-wrap: wrap; }
.page-head p { margin: 2px 0 0; color: var(--muted); }
.page-head .actions { margin-left: auto; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }

/* Panels, grids */
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: var(--radius); padding: 16px; }
.panel > h2, .panel-head { margin-bottom: 12px; }
.panel-head { display: flex; align-items: center; gap: 12px; }
.panel-head h2 { margin: 0; }
.panel-head .actions { margin-left: auto; display: flex; gap: 8px; align-items: center; }
.grid { display: grid; gap: 16px; }
.grid-4 { grid-template-columns: repeat(4, minmax(0, 1fr)); }
.grid-2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.grid-3-1 { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); }
.stack > * + * { margin-top: 16px; }
@media (max-width: 1000px) { .grid-4 { grid-template-columns: repeat(2, minmax(0, 1fr)); } .grid-2, .grid-3-1 { grid-template-columns: minmax(0, 1fr); } }

/* Stat cards */
.stat { display: flex; flex-direction: column; gap: 4px; }
.stat .label { color: var(--muted); font-size: .88rem; }
.stat .value { font-size: 1.7rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat .sub { color: var(--muted); font-size: .85rem; }
.share-bar { display: flex; height: 8px; border-radius: 4px; overflow: hidden; background: #e6e9ee; margin-top: 4px; }
.share-bar span { display: block; height: 100%; }

/* Buttons and forms */
.btn { display: inline-flex; align-items: center; gap: 6px; font: inherit; font-weight: 550; padding: 6px 14px; border-radius: var(--radius);
  border: 1px solid var(--border-strong); background: #fff; color: var(--text); cursor: pointer; line-height: 1.3; text-decoration: none; }
.btn:hover { background: #f0f2f5; }
.btn-primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.btn-primary:hover { background: var(--accent-hover); }
.btn-danger { color: var(--danger); border-color: #d9a5a1; }
.btn-danger:hover { background: var(--danger-soft); }
.btn-danger.solid { background: var(--danger); color: #fff; border-color: var(--danger); }
.btn-small { padding: 3px 9px; font-size: .88rem; }
.btn-link { background: none; border: none; padding: 0; color: var(--accent); cursor: pointer; font: inherit; text-decoration: underline; text-underline-offset: 2px; }
.btn[disabled], .btn[aria-disabled="true"] { opacity: .55; cursor: not-allowed; }
label { font-weight: 550; font-size: .9rem; }
.field { display: flex; flex-direction: column; gap: 4px; }
.field .hint { color: var(--muted); font-size: .82rem; font-weight: 400; }
input[type="text"], input[type="password"], input[type="number"], input[type="datetime-local"], select, textarea {
  font: inherit; color: var(--text); background: #fff; border: 1px solid var(--border-strong); border-radius: var(--radius); padding: 6px 8px; min-width: 0; }
input[type="text"], input[type="password"], input[type="number"], input[type="datetime-local"], select { height: 34px; }
input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 2px solid var(--focus); outline-offset: 0; border-color: var(--focus); }
.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px 12px; align-items: end; }
.filters .buttons { display: flex; gap: 8px; }
.form-row { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-start; }
.form-row .field { flex: 1 1 160px; }
.form-row > .btn { margin-top: 24px; height: 34px; }
.form-row.compact .field { flex: 0 1 300px; }
.form-row.compact { margin-top: 12px; }
fieldset { border: none; margin: 0; padding: 0; }
legend { font-weight: 650; padding: 0; margin-bottom: 8px; }

/* Tables */
.table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: var(--radius); background: #fff; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid #e7eaee; vertical-align: top; white-space: nowrap; }
th { background: #f7f8fa; color: #3b4453; font-weight: 600; position: sticky; top: 0; }
td.wrap { white-space: normal; }
tbody tr:hover { background: #f8fafc; }
tbody tr:last-child td { border-bottom: none; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); padding: 18px; text-align: center; }
.table-foot { display: flex; align-items: center; gap: 12px; margin-top: 10px; color: var(--muted); }

/* Badges */
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid transparent; line-height: 1.5; }
.d-allow { background: #eaf3ed; color: #2c5d3b; border-color: #c4dccb; }
.d-redact { background: #e7f0f9; color: #1d4f80; border-color: #bdd3ea; }
.d-local { background: #f0ebf8; color: #563b85; border-color: #d5c8ea; }
.d-block { background: #fbeceb; color: #8e2822; border-color: #ecc3c0; }
.d-none { background: #eef0f3; color: #4b5462; border-color: #d5dae1; }
.chain { display: inline-flex; align-items: center; gap: 8px; padding: 5px 12px; border-radius: 999px; font-weight: 600; font-size: .9rem; border: 1px solid; }
.chain.ok { background: var(--ok-soft); color: var(--ok); border-color: #b9d8c1; }
.chain.bad { background: var(--danger-soft); color: var(--danger); border-color: #e5b5b1; }
.chain.pending { background: #eef0f3; color: var(--muted); border-color: var(--border); }
.dot { width: 8px; height: 8px; border-radius: 50%; background: currentColor; display: inline-block; }

/* Charts */
.chart { width: 100%; height: auto; display: block; }
.chart text { font-family: inherit; font-size: 11px; fill: #566070; }
.chart .grid-line { stroke: #e3e6eb; stroke-width: 1; }
.chart .axis { stroke: #b7bec9; stroke-width: 1; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; list-style: none; margin: 8px 0 0; padding: 0; font-size: .85rem; color: var(--muted); }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { width: 10px; height: 10px; border-radius: 2px; display: inline-block; }
.hbars { list-style: none; margin: 0; padding: 0; }
.hbars li { display: grid; grid-template-columns: 150px 1fr 48px; align-items: center; gap: 10px; padding: 4px 0; font-size: .9rem; }
.hbars .bar { height: 10px; background: #e6e9ee; border-radius: 3px; overflow: hidden; }
.hbars .bar span { display: block; height: 100%; background: var(--accent); }
.hbars .n { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }

/* Policy editor */
.editor-layout { display: grid; grid-template-columns: minmax(0, 1.35fr) minmax(0, 1fr); gap: 16px; align-items: start; }
@media (max-width: 1000px) { .editor-layout { grid-template-columns: minmax(0, 1fr); } }
.editor { display: grid; grid-template-columns: auto 1fr; grid-template-rows: 100%; height: 440px; min-height: 200px; resize: vertical; overflow: hidden;
  border: 1px solid var(--border-strong); border-radius: var(--radius); background: #fff; }
.editor:focus-within { border-color: var(--focus); box-shadow: 0 0 0 1px var(--focus); }
.gutter { margin: 0; padding: 8px 6px 8px 10px; background: #f5f6f8; color: #6b7482; text-align: right; font-family: var(--mono); font-size: 13px; line-height: 20px;
  border-right: 1px solid var(--border); overflow: hidden; user-select: none; min-width: 44px; white-space: pre; height: 100%; }
.gutter .err { color: #fff; background: var(--danger); border-radius: 3px; padding: 0 3px; font-weight: 700; }
.editor textarea { border: none; border-radius: 0; resize: none; font-family: var(--mono); font-size: 13px; line-height: 20px; padding: 8px 10px; height: 100%;
  white-space: pre; overflow: auto; tab-size: 2; outline: none; }
.editor textarea:focus-visible { outline: none; }
.validation { margin-top: 10px; }
.status-line { display: flex; align-items: center; gap: 8px; font-weight: 600; font-size: .92rem; }
.status-line.ok { color: var(--ok); }
.status-line.bad { color: var(--danger); }
.status-line.pending { color: var(--muted); }
.errors { list-style: none; margin: 8px 0 0; padding: 0; border: 1px solid #e5b5b1; border-radius: var(--radius); background: var(--danger-soft); }
.errors li + li { border-top: 1px solid #efd0cd; }
.errors button { all: unset; box-sizing: border-box; display: block; width: 100%; padding: 6px 10px; cursor: pointer; color: #5e1a16; }
.errors button:hover { background: #f7dedb; }
.errors button:focus-visible { outline: 3px solid var(--focus); outline-offset: -3px; }
.errors .loc { font-family: var(--mono); font-weight: 700; margin-right: 8px; color: var(--danger); }
.errors .field-name { font-family: var(--mono); margin-right: 6px; }
.save-row { display: flex; gap: 8px; align-items: flex-end; margin-top: 12px; }
.save-row .field { flex: 1; }
.diff { margin: 0; font-family: var(--mono); font-size: 12.5px; line-height: 1.5; background: #fbfbfc; border: 1px solid var(--border); border-radius: var(--radius);
  padding: 6px 0; max-height: 320px; overflow: auto; }
.diff div { padding: 0 10px; white-space: pre; }
.diff .add { background: #e6f4ea; color: #1e5a2c; }
.diff .del { background: #fbe9e7; color: #8e2822; }
.diff .hunk { color: #5a6b85; background: #eef2f8; }
.diff .meta { color: var(--muted); }
.bench textarea { width: 100%; min-height: 120px; font-family: var(--mono); font-size: 13px; resize: vertical; }
.sample { font-family: var(--mono); font-size: 13px; white-space: pre-wrap; word-break: break-word; background: #fbfbfc; border: 1px solid var(--border); border-radius: var(--radius); padding: 10px; line-height: 1.9; }
mark.finding { border-radius: 3px; padding: 1px 2px; color: inherit; border-bottom: 2px solid; }
mark.a-redact { background: #dde9f6; border-color: var(--c-redact); }
mark.a-local { background: #ebe3f6; border-color: var(--c-local); }
mark.a-block { background: #f8dcd9; border-color: var(--c-block); }
mark.a-allow { background: #e2efe6; border-color: var(--c-allow); }
mark.finding .tag { font-family: system-ui, sans-serif; font-size: 10px; font-weight: 700; margin-left: 4px; padding: 0 4px; border-radius: 3px; background: rgba(27,34,48,.12); vertical-align: 1px; }
.result-row { display: flex; gap: 10px; align-items: center; margin: 10px 0; }
.transformed { margin: 0; font-family: var(--mono); font-size: 13px; white-space: pre-wrap; word-break: break-word; background: #f6f7f9; border: 1px solid var(--border); border-radius: var(--radius); padding: 10px; }
.muted { color: var(--muted); }
.spaced { margin: 12px 0; }
.small { font-size: .86rem; }

/* Notices, dialogs */
.notice { border: 1px solid; border-radius: var(--radius); padding: 10px 12px; }
.notice.ok { background: var(--ok-soft); border-color: #b9d8c1; color: #1f5630; }
.notice.bad { background: var(--danger-soft); border-color: #e5b5b1; color: #7d231e; }
.notice.warn { background: var(--warn-soft); border-color: #e8cf98; color: #5d3e00; }
.secret-box { display: flex; gap: 8px; align-items: center; margin-top: 8px; }
.secret-box code { flex: 1; background: #fff; border: 1px solid var(--border-strong); border-radius: var(--radius); padding: 6px 8px; word-break: break-all; }
dialog { border: 1px solid var(--border-strong); border-radius: 8px; padding: 0; max-width: min(720px, 94vw); width: 100%; color: var(--text); box-shadow: 0 12px 40px rgba(16, 24, 40, .25); }
dialog::backdrop { background: rgba(17, 24, 39, .45); }
dialog .dlg-head { display: flex; align-items: center; gap: 12px; padding: 14px 18px; border-bottom: 1px solid var(--border); }
dialog .dlg-head .btn { margin-left: auto; }
dialog .dlg-body { padding: 16px 18px; max-height: 70vh; overflow: auto; }
dialog .dlg-foot { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 18px; border-top: 1px solid var(--border); background: #f9fafb; }
dl.kv { display: grid; grid-template-columns: 150px 1fr; gap: 6px 14px; margin: 0; }
dl.kv dt { color: var(--muted); font-size: .88rem; }
dl.kv dd { margin: 0; word-break: break-all; }
.toast-region { position: fixed; right: 20px; bottom: 20px; display: flex; flex-direction: column; gap: 8px; z-index: 50; }
.toast { background: #1f2937; color: #fff; padding: 10px 14px; border-radius: var(--radius); box-shadow: 0 6px 20px rgba(0,0,0,.2); max-width: 420px; }
.toast.bad { background: var(--danger); }

/* Login */
.login-wrap { min-height: 100vh; display: flex; align-items: center; justify-content: center; padding: 24px; }
.login { width: 100%; max-width: 420px; }
.login .brand-big { display: flex; align-items: center; gap: 10px; margin-bottom: 18px; color: var(--header); }
.login .brand-big span { font-size: 1.5rem; font-weight: 700; }
.login form { display: flex; flex-direction: column; gap: 14px; }
.login p { margin: 0; }
`;
