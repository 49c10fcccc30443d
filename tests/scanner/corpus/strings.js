x = 'it\'s {'; y = "a\
continued"; /* { */ // }
