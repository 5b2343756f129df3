FROM node:24-slim
RUN corepack enable
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
EXPOSE 3000
# `serve`: the server with its memory bounded (V8's heap, and glibc's malloc handing large blocks back); see README
CMD ["pnpm", "--filter", "@medimail/api", "serve"]
