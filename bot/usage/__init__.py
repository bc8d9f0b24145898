"""Feedback (`反馈`) and usage analytics (issue #16): events recorded with each message, the month's report."""
