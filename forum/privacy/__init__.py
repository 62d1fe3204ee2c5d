"""The privacy guard: personal data of families and children spotted before publishing."""
