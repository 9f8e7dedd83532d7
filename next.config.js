/** @type {import('next').NextConfig} */
module.exports = {
  // ssh2's optional native crypto binding breaks the bundler.
  serverExternalPackages: ["ssh2"],
  poweredByHeader: false,
  reactStrictMode: true,
};
