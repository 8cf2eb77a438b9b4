// Bring the cited passage of a letter to the middle of the screen (also when the link had no #c fragment).
document.addEventListener("DOMContentLoaded", function () {
  var cited = document.querySelector(".chunk.cited");
  if (cited) cited.scrollIntoView({block: "center"});
});
