// Production build of main.js into the folder given by --output-path; the page is index.html.
export default { mode: "production", entry: "./main.js", performance: { hints: false } };
