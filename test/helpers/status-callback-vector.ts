/**
 * The stream-status callback of CONTROL.md §3.5: the auth token, nonce and params its published
 * signatures were made with (the ones plivo-node and plivo-python accept), and the origin the
 * tests' callback URLs live on.
 */
export const VECTOR_TOKEN = 'MzYxNjk0YjA5OTMxNzg5ZGVlMjk0NTVlNzRhMWZi';
export const VECTOR_NONCE = '05429567804466091622';
export const VECTOR_PARAMS = {
  From: '918071387423',
  To: '919624705678',
  CallUUID: '9a0e0208-d01a-4572-9a04-fe583a05ac53',
  Event: 'StartStream',
  StreamID: '227d997a-0af4-447c-a3f3-b243e902e527',
  ServiceURL: 'wss://your-server.com/ws',
  Timestamp: '2025-11-06 09:58:40',
  Error: '',
};
export const VECTOR_ORIGIN = 'https://app.example.com';
