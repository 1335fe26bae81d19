def record(line: str) -> None:
    print(line)
