// The course page's script: signs a demo user in, keeps the ID token where Amplify's CookieStorage keeps it (so
// the <video> element's request carries it to the edge), asks for the content URLs, and shows what the edge
// answers: the quiz read cross-origin with a Bearer token, the video played through the cookie, 401 and 403.

const config = await (await fetch("/config.json")).json();
const prefix = `CognitoIdentityServiceProvider.${config.clientId}`;

/** Amplify v6 CookieStorage's names; the attributes a page on a shared parent domain would set (plus Secure on https). */
function setCookie(name, value, maxAgeSeconds) {
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAgeSeconds}; SameSite=Lax${secure}`;
}

function cookie(name) {
  for (const pair of document.cookie.split("; ")) {
    const equals = pair.indexOf("=");
    if (equals > 0 && pair.slice(0, equals) === name) return decodeURIComponent(pair.slice(equals + 1));
  }
  return undefined;
}

function signedIn() {
  const username = cookie(`${prefix}.LastAuthUser`);
  const idToken = username === undefined ? undefined : cookie(`${prefix}.${username}.idToken`);
  return username === undefined || idToken === undefined ? undefined : { username, idToken };
}

async function signIn(username) {
  const answer = await fetch(`/sign-in?user=${encodeURIComponent(username)}`, { method: "POST" });
  const { idToken } = await answer.json();
  setCookie(`${prefix}.LastAuthUser`, username, 3600);
  setCookie(`${prefix}.${username}.idToken`, idToken, 3600);
  location.reload();
}

function signOut(username) {
  setCookie(`${prefix}.LastAuthUser`, "", 0);
  setCookie(`${prefix}.${username}.idToken`, "", 0);
  location.reload();
}

function show(section, state, text, url) {
  const element = document.getElementById(section);
  element.dataset.state = state;
  element.querySelector(".outcome").textContent = text;
  if (url !== undefined) element.querySelector(".url").textContent = url;
}

const refusals = {
  401: "401 Unauthorized: sign in to see this lesson.",
  403: "403 Forbidden: this lesson is for paid students.",
};

async function contentUrl(key) {
  const answer = await fetch(`/content-url/${key}`);
  const body = await answer.json();
  if (!answer.ok) throw new Error(`the Content Delivery service answered ${answer.status}: ${body.reason ?? body.error ?? ""}`);
  return body;
}

async function showQuiz(user) {
  const { url, localUrl } = await contentUrl(config.quizKey);
  let answer;
  try {
    // A cross-origin read with an Authorization header: the browser sends a CORS preflight first.
    answer = await fetch(localUrl, user === undefined ? {} : { headers: { authorization: `Bearer ${user.idToken}` } });
  } catch {
    show("quiz", "blocked", "Blocked: the browser did not let this page read the answer (CORS).", url);
    return;
  }
  if (!answer.ok) {
    show("quiz", String(answer.status), refusals[answer.status] ?? `${answer.status} ${answer.statusText}`, url);
    return;
  }
  const quiz = await answer.json();
  show("quiz", "ok", quiz.title, url);
  for (const item of quiz.questions) {
    const question = document.createElement("li");
    question.textContent = `${item.question} (${item.options.join(" / ")})`;
    document.getElementById("questions").append(question);
  }
}

async function showVideo() {
  const { url, localUrl } = await contentUrl(config.videoKey);
  const video = document.getElementById("lesson");
  // A plain media request: no CORS needed to play it, and the token travels in the Amplify cookie.
  video.addEventListener("loadeddata", () => { show("video", "ok", "Ready to play.", url); }, { once: true });
  video.addEventListener("error", () => { show("video", "error", "The video did not load: the edge refused it (see the quiz for why).", url); }, { once: true });
  video.src = localUrl;
}

function renderSignIn(user) {
  const nav = document.getElementById("sign-in");
  if (user === undefined) {
    for (const { username, label } of config.users) {
      const button = document.createElement("button");
      button.textContent = label;
      button.dataset.user = username;
      button.addEventListener("click", () => { void signIn(username); });
      nav.append(button);
    }
    return;
  }
  document.getElementById("who").textContent = `Signed in as ${user.username}.`;
  const button = document.createElement("button");
  button.textContent = "Sign out";
  button.id = "sign-out";
  button.addEventListener("click", () => { signOut(user.username); });
  nav.append(button);
}

const user = signedIn();
renderSignIn(user);
await Promise.all([
  showQuiz(user).catch((error) => { show("quiz", "error", String(error.message ?? error)); }),
  showVideo().catch((error) => { show("video", "error", String(error.message ?? error)); }),
]);
document.body.dataset.ready = "true";
