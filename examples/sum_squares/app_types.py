"""The data that travels between the master and the workers."""


class Input:
    """What a worker gets: one number."""

    def __init__(self, arg):
        self.value = arg


class Output:
    """What a worker returns: one number."""

    def __init__(self, arg):
        self.value = arg
