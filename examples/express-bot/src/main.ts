import { start } from './app.js';

// Configuration from the environment: PORT, HOST, PUBLIC_URL (e.g. wss://bot.example.com) and
// PLIVO_AUTH_TOKEN (turns on signature checks for the stream upgrade).
const bot = await start({
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? '0.0.0.0',
  publicUrl: process.env.PUBLIC_URL,
  authToken: process.env.PLIVO_AUTH_TOKEN,
});
console.log(`express-bot listening on port ${bot.port}; streams on /stream`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void bot.close());
}
