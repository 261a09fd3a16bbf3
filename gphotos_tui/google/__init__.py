"""Google access: OAuth sign-in, Library and Picker API clients, media downloads, quota counting.

Since 31 March 2025 the Library API lists only items this app created; the
Picker API (photos the user picks by hand) is how existing photos are reached.
"""
