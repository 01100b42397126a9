// esbuild bundles the style sheet next to the script.
declare module '*.css';
