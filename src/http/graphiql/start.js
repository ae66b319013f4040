// Starts GraphiQL on the page the server rendered. Its settings come from a JSON block
// of the page rather than an inline script, which the page's Content-Security-Policy
// forbids.
(function () {
  'use strict';
  const settings = JSON.parse(document.getElementById('graphiql-settings').textContent);
  const url = new URL(settings.endpoint, window.location.href).toString();
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url }),
      defaultQuery: settings.defaultQuery === null ? undefined : settings.defaultQuery,
      isHeadersEditorEnabled: true,
      // Tokens typed into the headers tab are not kept in the browser's storage.
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: settings.openHeaders ? 'headers' : false,
      visiblePlugin: GraphiQL.React.DOC_EXPLORER_PLUGIN,
    }),
  );
})();
