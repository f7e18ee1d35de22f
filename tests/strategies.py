"""What hostile-input tests type into forms and query strings: any text, and numbers too large for any column
(an id past 64 bits reaches the database as a number)."""

from hypothesis import strategies as st

ANY_TEXT = st.one_of(st.text(max_size=40), st.integers(min_value=-(10**40), max_value=10**40).map(str))
