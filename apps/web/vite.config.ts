import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the SPA runs on Vite (5173) and proxies /api to the API (3000);
// in production the API serves the built files itself.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, proxy: { "/api": "http://127.0.0.1:3000" } },
  build: { outDir: "dist", sourcemap: true },
});
