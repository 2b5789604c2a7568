// Moved to src/terminal-text.ts (errors.ts needs it and must not import report/); kept so older imports resolve.
export { escapeTerminalText } from '../terminal-text.ts';
