// An uncaught error with a cause and a two-line message, as node itself prints it: the source
// excerpt above, util.inspect's "{ [cause]: ... }" block and "... N lines matching cause ...".
function fetchUser(id) {
  try {
    JSON.parse("{oops");
  } catch (inner) {
    throw new Error(`user ${id}: profile unreadable\n(second line of the message)`, { cause: inner });
  }
}
function handler() {
  fetchUser(7);
}
setTimeout(function tick() {
  handler();
}, 0);
