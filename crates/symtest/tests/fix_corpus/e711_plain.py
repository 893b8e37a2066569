# expect: E711 fixed
def first_word(text: str):
    words = text.split() or None
    if words != None:
        return words[0]
    return ""
