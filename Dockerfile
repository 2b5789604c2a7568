# The image `runner k8s` manifests run: Node 20 and runner on the PATH. Build and push it to a registry your
# cluster can pull from, then pass it as `runner k8s --image <registry>/runner-loadtest:<tag>`:
#   docker build -t <registry>/runner-loadtest:0.1.0 . && docker push <registry>/runner-loadtest:0.1.0
# (Not built in runner's own CI: that machine has no container registry access.)

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: esbuild's binary comes from its optional platform package.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm pack --pack-destination /tmp

FROM node:20-bookworm-slim
COPY --from=build /tmp/runner-loadtest-*.tgz /tmp/
# The package as users install it: dist/, the schema and runtime dependencies only.
RUN npm install --global --omit=dev --ignore-scripts /tmp/runner-loadtest-*.tgz && rm /tmp/runner-loadtest-*.tgz && npm cache clean --force
USER node
WORKDIR /home/node
# A scenario that imports npm packages needs them here: add `RUN npm install <pkg>` in a derived image.
CMD ["runner", "--help"]
