import { start } from './app.js';

// Configuration from the environment: PORT, HOST, PUBLIC_URL (e.g. wss://bot.example.com) and
// PLIVO_AUTH_TOKEN (turns on signature checks for the stream upgrade).
const { app } = await start({
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? '0.0.0.0',
  publicUrl: process.env.PUBLIC_URL,
  authToken: process.env.PLIVO_AUTH_TOKEN,
  logger: true,
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // app.close() closes the live calls (1001) before the server stops.
  process.once(signal, () => void app.close());
}
