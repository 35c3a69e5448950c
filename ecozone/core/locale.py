from django.conf import settings
from django.utils import translation


class DefaultLanguageMiddleware:
    """Chinese for everyone unless they chose another language (language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language header; a provincial
    government system speaks Chinese by default, and English is an explicit choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        translation.deactivate()
        return response
