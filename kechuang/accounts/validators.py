"""Password validators with their messages in Chinese (Django's zh-hans catalogue lags
behind the 5.x wording, and names an attribute by its English verbose name)."""

from __future__ import annotations

from django.contrib.auth import password_validation

# Attributes a password must not resemble: the login name, the person's names and ways
# to reach them.
USER_ATTRIBUTES = ("username", "display_name", "first_name", "last_name", "email", "phone")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Refuses a password equal or similar to the user name, the name or the phone."""

    def __init__(
        self, user_attributes: tuple[str, ...] = USER_ATTRIBUTES, max_similarity: float = 0.7
    ) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        return "密码与%(verbose_name)s过于相似，请换一个。"

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名或电话相似。"
