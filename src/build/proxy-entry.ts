// Entry of dist/proxy.cjs: hpagent's CONNECT agents, which src/aws/proxy-agents.ts loads only when a proxy is set.
export { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
