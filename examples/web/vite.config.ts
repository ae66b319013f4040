import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";

// Where Trellis listens; `cargo run -- serve --demo` binds 127.0.0.1:8080.
const trellis = process.env.TRELLIS_URL ?? "http://127.0.0.1:8080";

// The dev server (and `vite preview`) forward /graphql to Trellis, so the browser talks to
// one origin and Trellis needs no CORS set-up in development. The browser's Origin header
// names this dev server, which Trellis need not know: the proxy drops it, as the request it
// makes is its own.
const graphqlProxy: Record<string, ProxyOptions> = {
  "/graphql": {
    target: trellis,
    changeOrigin: true,
    configure: (proxy) => {
      proxy.on("proxyReq", (request) => request.removeHeader("origin"));
    },
  },
};

export default defineConfig({
  plugins: [react()],
  server: { proxy: graphqlProxy },
  preview: { proxy: graphqlProxy },
});
