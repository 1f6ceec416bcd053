# gostcms serve: the HTTP signing service (docs/serve.md).
#
#   docker build -t gostcms-serve .
#   docker run --rm -p 8750:8750 \
#     -v /etc/gostcms/serve.toml:/etc/gostcms/serve.toml:ro \
#     -v /etc/gostcms/keys:/keys:ro gostcms-serve
#
# Stage 1 builds a static (musl) binary with the `serve` feature; stage 2 is
# distroless "static": no shell, no libc, user 65532. The configuration, keys
# and PIN files are mounted at run time, never copied into the image; they
# must be readable by uid 65532 only (the service refuses files that other
# users can read).

FROM rust:1-alpine AS build
# ring (rustls) compiles a little C and assembly.
RUN apk add --no-cache musl-dev
WORKDIR /src
# The manifest names benches and tests, so cargo wants the whole tree
# (.dockerignore leaves out target/ and key-looking files).
COPY . .
ENV CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=true
RUN cargo build --release --locked --features serve --bin gostcms \
 && ./target/release/gostcms --version \
 && ! ldd target/release/gostcms 2>/dev/null | grep -q '=>'   # static: no shared libraries

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/target/release/gostcms /usr/local/bin/gostcms
USER 65532:65532
EXPOSE 8750
# SIGTERM (docker stop) finishes the requests in flight and exits 0;
# `docker kill --signal HUP` reloads the configuration.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/gostcms"]
CMD ["serve", "--config", "/etc/gostcms/serve.toml", "--listen", "0.0.0.0:8750"]
