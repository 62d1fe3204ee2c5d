"""Common Italian first names, for the "name next to sensitive words" check.

Compiled by hand for Officina (Dec 2026) from the ISTAT yearly tables of first names given
to children born in Italy ("Nomi dei nati", the 50 most frequent per sex, 1999-2023) and
from the most frequent first names of the resident population (ISTAT, "Contanomi"), plus
common foreign names of children born in Italy. Words that are far more often ordinary
Italian words than names (e.g. "Sole", "Gioia", "Speranza", "Vera") are left out on
purpose: a capitalised one at the start of a sentence would be a false alarm.
"""

from __future__ import annotations

_MALE = """
Alessandro Andrea Antonio Alberto Alessio Alex Alfredo Angelo Arturo Bruno Carlo Christian
Claudio Cristian Cristiano Daniele Dario Davide Diego Domenico Edoardo Elia Emanuele Enea
Enrico Enzo Ettore Fabio Fabrizio Federico Filippo Flavio Francesco Franco Gabriele
Gaetano Giacomo Gianluca Gianni Gino Giorgio Giovanni Giulio Giuseppe Gregorio Guido
Ivan Jacopo Kevin Leonardo Lorenzo Luca Luciano Luigi Manuel Marco Mario Massimo Matteo
Mattia Maurizio Michele Mirko Nicola Nicolò Niccolò Noah Nicholas Omar Paolo Pasquale
Patrick Pietro Raffaele Riccardo Roberto Rocco Salvatore Samuele Sebastiano Sergio Simone
Stefano Thomas Tommaso Umberto Valerio Vincenzo Vittorio Walter Ahmed Mohamed Adam Youssef
Ayoub Rayan Samuel Gabriel Liam Diego Giacomo Christian Ludovico Achille Leone Ettore
Brando Giuliano Cesare Carmine Ciro Gennaro Antonino Calogero Rosario Saverio Ignazio
Massimiliano Marcello Maurizio Nicolas Denis Erik Ivano Loris Manuele Mauro Moreno Nazareno
Orlando Ottavio Piero Pier Raimondo Renato Rino Sandro Silvio Teodoro Tiziano Valentino
Vito Giordano Damiano Cristopher Kristian Aron Aaron Jonathan Joele Gioele Elio Ivo Dante
Tancredi Ruggero Rodolfo Remo Romeo Lucio Livio Leandro Igor Gianmarco Gianmaria Giampiero
Pierluigi Francesco Giancarlo Fabiano Elias Karim Amir Ali Hamza Bilal Yassin Ilyas Luka
Matei Andrei David Daniel Michael Alan Christopher Jason Steven
"""

_FEMALE = """
Adele Agnese Alessandra Alessia Alice Alisha Anna Annalisa Arianna Asia Aurora Azzurra
Barbara Beatrice Benedetta Camilla Carla Carlotta Caterina Cecilia Chiara Claudia Cristina
Daniela Debora Denise Diana Eleonora Elena Elisa Elisabetta Emma Erika Eva Federica
Francesca Gaia Giada Ginevra Giorgia Giovanna Giulia Greta Ilaria Irene Isabella Jessica
Laura Lara Letizia Linda Lisa Lucia Ludovica Luisa Manuela Mara Marta Margherita Maria
Marika Martina Matilde Melissa Michela Miriam Monica Nadia Nicole Noemi Paola Patrizia
Rachele Rebecca Roberta Sara Serena Silvia Simona Sofia Sonia Stefania Teresa Valentina
Valeria Vanessa Veronica Viola Vittoria Aisha Amira Fatima Yasmine Mariam Sara Emily
Ginevra Anita Bianca Adele Elisa Nina Mia Gioele Ambra Angelica Antonella Assunta Carmela
Concetta Cinzia Clara Cristiana Donatella Elvira Emanuela Enrica Fabiola Filomena Flavia
Franca Gabriella Gemma Gianna Giuseppina Grazia Graziella Ida Immacolata Ines Iolanda Irma
Lorena Loredana Lorenza Luana Luciana Maddalena Marcella Mariangela Marianna Marina
Marisa Maristella Mirella Nadia Natalia Nicoletta Noemi Ornella Paolina Pamela Rita
Roberta Romina Rosalba Rosanna Rosaria Rossana Sabrina Samanta Sandra Selene Sharon
Sveva Tamara Tiziana Vera Virginia Viviana Wanda Zoe Allegra Amelia Arya Asia Bianca Celeste
Costanza Diletta Elettra Emma Eleonora Ester Gloria Iris Isotta Lavinia Lucrezia Miriam
Olivia Ottavia Penelope Petra Priscilla Rachele Rebecca Sabrina Sofia Stella Vittoria
Alina Andreea Ioana Elena Maya Malak Hiba Salma Nour Aya Jasmine Hanna Giusy Mery Jennifer
"""

_NOT_NAMES = {"Vera", "Stella", "Sole", "Gioia", "Speranza", "Fortunato", "Felice", "Celeste",
              "Gloria", "Iris", "Grazia", "Rosa", "Diana", "Asia", "Gemma", "Viola", "Maya",
              "Ali", "Pier"}

FIRST_NAMES: frozenset[str] = frozenset(
    name for name in (_MALE + _FEMALE).split() if name not in _NOT_NAMES
)
