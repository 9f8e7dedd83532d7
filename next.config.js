/** @type {import('next').NextConfig} */
module.exports = {
  // ssh2's optional native crypto binding breaks the bundler.
  serverExternalPackages: ["ssh2"],
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // proxy.ts runs for pages only, which take no body: buffer next to nothing for it
    proxyClientMaxBodySize: "64kb",
  },
};
