"""Contact details read from text: phone numbers, rooms and buildings, dial plans, short codes.

Text in, values out (``parse_*`` one value, ``find_*`` every one in free text), plus the
text folding every comparison uses. Imports only ``models``, ``profile`` and ``errors``.
"""
