from reporting.periods import Quarter


class QuarterConverter:
    regex = r"\d{4}Q[1-4]"

    def to_python(self, value):
        return Quarter.parse(value)

    def to_url(self, value):
        return str(value)
