// Parts of a page that update themselves: poll the server with If-None-Match every two
// seconds and swap in the new HTML only when it changed (a 304 costs almost nothing).
document.addEventListener("DOMContentLoaded", () => {
  for (const region of document.querySelectorAll("[data-live-url]")) {
    let etag = region.dataset.liveEtag || "";
    const refresh = async () => {
      try {
        // X-Live-Region makes a poll without a valid session answer 401 instead of a redirect.
        const headers = { "X-Live-Region": "1" };
        if (etag) headers["If-None-Match"] = etag;
        const response = await fetch(region.dataset.liveUrl, {
          headers,
          credentials: "same-origin",
        });
        if (response.status === 401 || response.status === 403 || response.redirected) {
          // Signed out or checked out meanwhile: never paste a sign-in page into the region.
          // Opening the page again (a GET, even after a form was posted) lets the server send
          // the person to the right sign-in page, with the way back to this one.
          window.location.assign(window.location.href);
          return;
        }
        const typing = region.contains(document.activeElement) &&
          ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
        if (response.status === 200 && typing) {
          // Never swap the form from under someone typing: the next poll brings the change.
        } else if (response.status === 200) {
          etag = response.headers.get("ETag") || "";
          region.innerHTML = await response.text();
          region.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
        }
      } catch (error) {
        // Offline for a moment (hotel Wi-Fi): try again on the next tick.
      }
      setTimeout(refresh, Number(region.dataset.liveEvery || 2000));
    };
    setTimeout(refresh, Number(region.dataset.liveEvery || 2000));
  }
});
