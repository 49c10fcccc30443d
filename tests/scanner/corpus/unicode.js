s = "😀"; const f = () => 1; g(function(){})
