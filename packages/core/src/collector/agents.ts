import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';

/** The agent for a request URL, chosen by its protocol. */
export type AgentForUrl = (url: string | URL) => HttpAgent;

/**
 * HTTP and HTTPS agents with a connect timeout, for SDK clients that take an agent but no connect
 * timeout of their own (googleapis, the Azure pipeline). A connect that has not finished within
 * `connectMs` destroys its socket with `ETIMEDOUT`, which the runtime classifies as a timeout.
 * Keep-alive sockets are pooled up to `maxSockets` per origin, matching the runtime's concurrency.
 */
export function connectTimeoutAgent(connectMs: number, options: AgentOptions = {}): AgentForUrl {
  const agentOptions: AgentOptions = { keepAlive: true, ...options };
  const http = bounded(new HttpAgent(agentOptions), connectMs);
  const https = bounded(new HttpsAgent(agentOptions), connectMs);
  return (url) => (String(url).startsWith('https:') ? https : http);
}

function bounded<T extends HttpAgent>(agent: T, connectMs: number): T {
  const create = agent.createConnection.bind(agent) as (...args: unknown[]) => Socket;
  agent.createConnection = ((...args: unknown[]) => {
    const socket = create(...args);
    if (!socket.connecting) return socket;
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`connect timed out after ${connectMs} ms`), { code: 'ETIMEDOUT' })), connectMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    socket.once('connect', clear);
    socket.once('close', clear);
    return socket;
  });
  return agent;
}
