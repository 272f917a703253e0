/* The API docs page (/api/v1/docs): Swagger UI from our own static files, never a CDN. */
const csrf = document.body.dataset;
const config = JSON.parse(document.getElementById("swagger-settings").textContent);
config.dom_id = "#swagger-ui";
config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset];
if (csrf.apiCsrf && csrf.csrfToken) {
  config.requestInterceptor = (req) => {
    req.headers["X-CSRFToken"] = csrf.csrfToken;
    return req;
  };
}
window.ui = SwaggerUIBundle(config);
