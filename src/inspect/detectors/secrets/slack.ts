/**
 * @module inspect/detectors/secrets/slack
 * Slack bot/user/app/legacy tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-`)
 * and incoming-webhook URLs (`hooks.slack.com/services|workflows|triggers/…`). After
 * gitleaks `slack.go` (see SOURCES.md). A token needs at least one digit group, which
 * rules out prose like `xoxo-gossip`.
 */
import { shannonEntropy } from './entropy.ts';
import { looksLikeExample, regexRule } from './regex-rule.ts';

const PATTERN =
  /(?<![A-Za-z0-9_-])(?:xox[bpaers]-(?:\d{1,13}-){1,4}[A-Za-z0-9-]{8,80}|(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_\/+-]{20,120})(?![A-Za-z0-9_-])/dg;

export const slackToken = regexRule({
  id: 'secret.slack',
  type: 'SECRET',
  keywords: ['xox', 'hooks.slack.com'],
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    if (looksLikeExample(token)) return null;
    if (token.includes('hooks.slack.com')) {
      const path = token.slice(token.indexOf('.com/') + 5);
      return shannonEntropy(path) < 3.5 ? null : 0.95;
    }
    // Ignore the digit groups: masks like xoxb-0000-xxxxxxxx keep their low entropy tail.
    const tail = token.slice(token.lastIndexOf('-') + 1);
    if (shannonEntropy(tail) < 2.5) return null;
    return 0.95;
  },
});
