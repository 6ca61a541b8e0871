import type { AppManifest } from './app-manifest.ts';

export type PageContent =
  | { kind: 'offer'; manifest: AppManifest; action: string }
  | { kind: 'registered'; htmlUrl: string }
  | { kind: 'error'; message: string };

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The registration pages: a form that posts the manifest to GitHub, or what happened. */
export function registrationPage(content: PageContent): string {
  const body =
    content.kind === 'offer'
      ? `<h1>Register gantry as a GitHub App</h1>
<p>GitHub will create the App with the permissions and events below, send webhooks to
<code>${html(content.manifest.hook_attributes.url)}</code> and come back to this server, which writes
the App's credentials to <code>.env</code>. Then restart gantry.</p>
<form action="${html(content.action)}" method="post">
<input type="hidden" name="manifest" value="${html(JSON.stringify(content.manifest))}">
<button type="submit">Register on GitHub</button>
</form>
<pre>${html(JSON.stringify({ permissions: content.manifest.default_permissions, events: content.manifest.default_events }, null, 2))}</pre>`
      : content.kind === 'registered'
        ? `<h1>gantry is registered</h1>
<p>The credentials are in <code>.env</code>: restart gantry, then
<a href="${html(content.htmlUrl)}/installations/new">install the App</a> on your repositories.</p>`
        : `<h1>Registration failed</h1><p>${html(content.message)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gantry setup</title></head>
<body>
${body}
</body></html>
`;
}
