"""How the OpenAPI schema describes the token scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "“Token <令牌>” 或 “Bearer <令牌>”。令牌在“接口令牌”页面创建，或由 "
            "`python manage.py create_api_token <用户名>` 生成，只显示一次。",
        }


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI under the Content-Security-Policy (scripts and styles from files only): its init
    script is served by this same URL (`?script=`) instead of inline, and its page carries no inline
    <style> (templates/api/swagger_ui.html, static/css/swagger.css)."""

    template_name = "api/swagger_ui.html"
