"""The Textual app. Imports ``companion``; ``companion`` never imports this package."""
